"""The county's gazetteer as domain rules (issue #19): places found by Chinese name, pinyin or
pinyin initials, in a stable order (exact, prefix, initials, inside; townships before villages
before landmarks); the village or township a free-text address names (Open311
``address_string``); the nearest village of a township within a distance."""

from __future__ import annotations

import pytest

from portal.domain.geo import Point, distance_m
from portal.domain.gazetteer import NEAR_VILLAGE_M, Place, named_in, nearest_village, normalise, search

P = Point(113.77, 26.49)


def place(kind: str, name: str, pinyin: str = "", initials: str = "", township: str | None = "xiayang",
          point: Point = P) -> Place:
    return Place(kind=kind, name=name, point=point, township=township, pinyin=tuple(pinyin.split()),
                 initials=tuple(initials.split()))


TOWNSHIP = place("township", "霞阳镇", "xiayangzhen", "xyz", township=None)
VILLAGE_OFFICE = place("village", "霞阳村委", "xiayangcunwei", "xycw")
VILLAGE = place("village", "霞阳村", "xiayangcun", "xyc")
SCHOOL = place("landmark", "霞阳中学", "xiayangzhongxue", "xyzx")
DONGAN = place("village", "东岸村", "donganli", "dac")
DABA = place("village", "大坝村", "dabacun", "dbc")
BAIAN = place("village", "白岸村", "baiancun", "bac")
SHIZIBA = place("village", "石子坝村", "shizibacun", "szbc")
SHIDU = place("community", "石渡社区", "shidushequ shidoushequ", "sdsq")
PLACES = (VILLAGE_OFFICE, SCHOOL, VILLAGE, TOWNSHIP, DONGAN, DABA, BAIAN, SHIZIBA, SHIDU)


@pytest.mark.parametrize("query,normal", [
    ("  Xi'An ", "xian"), ("ＳＨＩＤＵ", "shidu"), ("shi’du", "shidu"), ("石 子\t坝", "石子坝"), ("", ""), (None, ""),
])
def test_a_query_is_compared_full_width_folded_lower_case_without_spaces_or_apostrophes(query, normal):
    assert normalise(query) == normal


@pytest.mark.parametrize("kind,village", [("township", False), ("village", True), ("community", True),
                                          ("living_area", True), ("landmark", False)])
def test_villages_communities_and_living_areas_are_villages(kind, village):
    assert place(kind, "某地").is_village is village


@pytest.mark.parametrize("query,found", [
    ("霞阳村", [VILLAGE, VILLAGE_OFFICE]),  # an exact name, before a longer name it begins
    ("霞阳", [TOWNSHIP, VILLAGE, VILLAGE_OFFICE, SCHOOL]),  # prefixes: township, villages (shorter first), landmark
    ("阳", [TOWNSHIP, VILLAGE, VILLAGE_OFFICE, SCHOOL]),  # inside the name
    ("坝", [DABA, SHIZIBA]),  # same kind and score: the shorter name first
    ("岸村", [DONGAN, BAIAN]),  # same kind, score and length: the file's order
    ("长沙", []),
])
def test_search_by_chinese_name_exact_then_prefix_then_inside(query, found):
    assert search(PLACES, query) == found


@pytest.mark.parametrize("query,found", [
    ("xiayangcun", [VILLAGE, VILLAGE_OFFICE]),  # the exact pinyin before a longer one it begins
    ("XiaYang", [TOWNSHIP, VILLAGE, VILLAGE_OFFICE, SCHOOL]),
    ("da", [DABA, DONGAN]),  # a pinyin prefix before an initials prefix
    ("xyz", [TOWNSHIP, SCHOOL]),  # initials
    ("bac", [BAIAN, DABA, SHIZIBA]),  # initials before pinyins that only contain the query
    ("shidou", [SHIDU]),  # any of the readings
    ("yang", [TOWNSHIP, VILLAGE, VILLAGE_OFFICE, SCHOOL]),  # inside the pinyin, three letters or more
    ("ya", []),  # two letters inside the pinyin are too few
    ("x1", []), ("", []), ("  ", []),  # not letters; nothing typed
])
def test_search_by_pinyin_or_initials(query, found):
    assert search(PLACES, query) == found


def test_search_returns_at_most_the_limit_and_reads_only_the_first_40_characters():
    assert search(PLACES, "霞阳", limit=2) == [TOWNSHIP, VILLAGE]
    assert len(search(PLACES, "阳")) == 4 and search(PLACES, "村", limit=8) == search(PLACES, "村")[:8]
    long_name = place("village", "长", "a" * 40, "")
    assert search((long_name,), "a" * 41) == [long_name]  # cut at 40: the exact pinyin


@pytest.mark.parametrize("text,named", [
    ("炎陵县霞阳镇石子坝村5组", SHIZIBA),  # the longest name in the text
    ("霞阳镇石子坝5组", SHIZIBA),  # a bare village name (石子坝) outranks a township of the same length
    ("石 渡 社 区 3 栋", SHIDU),  # spaces in the text do not hide a name
    ("霞阳镇政府旁", TOWNSHIP),
    ("霞阳中学旁边", VILLAGE),  # landmarks are never named; the bare 霞阳 is both the township's and a village's
    ("长沙市岳麓区", None), ("", None),
])
def test_the_place_a_free_text_address_names(text, named):
    assert named_in(PLACES, text) == named


def test_a_bare_name_needs_two_characters_and_only_the_first_suffix_is_taken_off():
    short = place("village", "坝村")
    assert named_in((short,), "坝上") is None and named_in((short,), "坝村口") == short
    yao = place("township", "策源瑶族乡", township=None)
    assert named_in((yao,), "策源的山里") == yao  # 瑶族乡 off, not only 乡
    assert named_in((yao, place("village", "源瑶村")), "策源瑶族乡源瑶村") == yao  # the longer name wins
    area = place("living_area", "江口生活区")
    assert named_in((area,), "江口") == area


def test_the_nearest_village_of_the_township_within_the_distance():
    here = Point(113.770, 26.490)
    near = place("village", "近村", point=Point(113.771, 26.490))
    nearer_elsewhere = place("village", "邻镇村", township="luyuan", point=Point(113.7701, 26.490))
    far = place("village", "远村", point=Point(113.78, 26.49))
    villages = (far, nearer_elsewhere, near)
    assert nearest_village(villages, here, "xiayang") == near
    assert nearest_village(villages, here, None) == nearer_elsewhere  # no township given: any village
    assert nearest_village(villages, here, "xiayang", within_m=distance_m(here, near.point)) == near  # edge included
    assert nearest_village(villages, here, "xiayang", within_m=distance_m(here, near.point) - 0.01) is None
    assert nearest_village((far,), here, "xiayang") == far and distance_m(here, far.point) < NEAR_VILLAGE_M
    assert nearest_village((far,), Point(113.9, 26.49), "xiayang") is None  # beyond 3 km
    assert nearest_village((), here, "xiayang") is None


def test_an_exact_name_or_reading_comes_first_whatever_its_kind():
    bridge = place("landmark", "霞阳", "xiayang", "xy")
    assert search((TOWNSHIP, bridge), "霞阳") == [bridge, TOWNSHIP]
    assert search((TOWNSHIP, bridge), "xiayang") == [bridge, TOWNSHIP]


def test_at_the_same_score_a_village_comes_before_a_landmark_even_with_a_longer_name():
    committee, bridge = place("village", "霞阳村委会"), place("landmark", "霞阳桥")
    assert search((bridge, committee), "霞阳") == [committee, bridge]


def test_eight_places_at_most_unless_asked_otherwise():
    villages = tuple(place("village", f"霞阳{n}组") for n in range(10))
    assert search(villages, "霞阳") == list(villages[:8])


def test_of_two_names_as_long_and_of_the_same_kind_the_first_listed_is_named():
    assert named_in((DONGAN, BAIAN), "白岸村和东岸村之间") == DONGAN
    assert named_in((BAIAN, DONGAN), "白岸村和东岸村之间") == BAIAN
