"""Plain categories (issue #18, item 2): on the form and on the home page each category's
first line is the villager's words ("没手续盖房、建厂"), its second the regulation's wording;
the catalog is grouped, in a fixed order: houses, land, mining, officials. A link to the form
with a category opens that category's group and ticks it."""

from __future__ import annotations

import re
from dataclasses import replace

from portal.domain.county import GROUP_TITLES
from tests.conftest import PUBLIC_URL

GROUP_ORDER = ["houses", "land", "mining", "officials"]
GROUP = re.compile(r'<details class="category-group"( open)?>\s*<summary>([^<]+)</summary>(.*?)</details>', re.S)
CHOICE = re.compile(r'<input type="radio" name="category" id="category-([^"]+)" value="\1"[^>]*?( checked)?>\s*'
                    r'<label for="category-\1"><span class="plain">([^<]+)</span> <span class="legal">([^<]+)</span>')


def groups_of(html: str) -> list[tuple[bool, str, list[tuple[str, bool, str, str]]]]:
    return [(bool(is_open), title, CHOICE.findall(body)) for is_open, title, body in GROUP.findall(html)]


def test_the_form_shows_each_category_in_plain_words_then_the_law_grouped_houses_land_mining_officials(client, county):
    found = groups_of(client.get("/report", base_url=PUBLIC_URL).get_data(as_text=True))
    assert [title for _, title, _ in found] == [GROUP_TITLES[g] for g in GROUP_ORDER]
    assert not any(is_open for is_open, _, _ in found)  # four short lines first, not 27 long ones
    for (_, _, choices), group in zip(found, GROUP_ORDER):
        expected = [(c.code, "", c.title, c.legal) for c in county.categories if c.group == group]
        assert [(code, checked.strip(), plain, legal) for code, checked, plain, legal in choices] == expected
    assert sum(len(choices) for _, _, choices in found) == len(county.categories)


def test_a_link_with_a_category_opens_its_group_and_ticks_it(client, county):
    mining = next(c for c in county.categories if c.group == "mining")
    found = groups_of(client.get(f"/report?category={mining.code}", base_url=PUBLIC_URL).get_data(as_text=True))
    opened = [title for is_open, title, _ in found if is_open]
    assert opened == [GROUP_TITLES["mining"]]
    ticked = [code for _, _, choices in found for code, checked, _, _ in choices if checked]
    assert ticked == [mining.code]


def test_the_groups_keep_their_order_whatever_the_county_files_order(county):
    shuffled = replace(county, categories=tuple(reversed(county.categories)))
    groups = shuffled.category_groups()
    assert [group for group, _ in groups] == GROUP_ORDER
    assert [c.code for _, cats in groups for c in cats] == [
        c.code for g in GROUP_ORDER for c in reversed(county.categories) if c.group == g]


def test_the_home_page_lists_the_same_groups_in_plain_words_linking_to_the_form(client, county):
    html = client.get("/", base_url=PUBLIC_URL).get_data(as_text=True)
    links = re.findall(r'<a href="/report\?category=([^"]+)"><span class="plain">([^<]+)</span>', html)
    assert links == [(c.code, c.title) for _, cats in county.category_groups() for c in cats]
