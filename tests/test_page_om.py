"""The Om indikatorene page: the catalogue, search, group filter and deep links."""

from __future__ import annotations

from indicators.catalogue import load_catalogue

PAGE = "app_pages/om_indikatorene.py"


def count_caption(at) -> str:
    return next(c.value for c in at.caption if "indikatorer." in c.value)


def test_defaults_list_every_indicator_closed(app_test) -> None:
    at = app_test(PAGE)
    assert not at.exception
    total = len(load_catalogue())
    assert count_caption(at) == f"{total} av {total} indikatorer."
    assert len(at.expander) == total
    assert not any(e.proto.expanded for e in at.expander)


def test_deep_link_opens_that_indicator_with_its_rules(app_test) -> None:
    at = app_test(PAGE, {"indikator": "psyk_reinnleggelse_30"})
    assert not at.exception
    opened = [e for e in at.expander if e.proto.expanded]
    assert len(opened) == 1
    text = " ".join(m.value for m in opened[0].markdown)
    assert "Reinnleggelse" in opened[0].label
    assert "nevner minus teller" in text  # a share: the complement rule
    assert "sekundær prikking" in text
    assert "Lavere er bedre" in text


def test_search_and_group_filter(app_test) -> None:
    at = app_test(PAGE, {"gruppe": "svangerskap"})
    assert not at.exception
    assert count_caption(at).startswith("5 av")
    at.text_input(key="om_sok").input("reinnleggelse").run()
    assert not at.exception
    assert count_caption(at).startswith("2 av")
    at.text_input(key="om_sok").input("finnes-ikke-noe-sted").run()
    assert any("Ingen indikatorer" in info.value for info in at.info)


def test_bad_link_values_give_a_notice(app_test) -> None:
    at = app_test(PAGE, {"indikator": "nope", "gruppe": "x"})
    assert not at.exception
    notices = [info.value for info in at.info if "Lenken" in info.value]
    assert len(notices) == 2
