"""004 C34, L30: a township leader whose new violation is not stopped and rectified within 3
months is dismissed: the seed says 予以免职, not a proposal. (The village head's third step,
004 C33, L29, is a dismissal *proposal*, 提出免职建议: the patrols issue.)"""

from portal.domain.deadlines import CLOCK_TITLES, ClockKind


def test_004_c34_l30_the_three_month_step_reads_dismissal_as_the_seed_has_it():
    assert CLOCK_TITLES[ClockKind.LADDER_DISMISSAL] == "新增违法3个月内未制止整改：予以免职"
    assert CLOCK_TITLES[ClockKind.LADDER_WARNING].endswith("警告")
    assert CLOCK_TITLES[ClockKind.LADDER_ACCOUNTABILITY].endswith("追责")
