"""Audit tools as files: the shipped ones load; a bad file refuses start-up naming the
file and the field; a council's folder adds versions but cannot change a published one."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.audit.adapters.tool_files import SHIPPED, ToolFileError, load_catalogue
from services.audit.domain.tools import Scale

CORE_TEXT = (SHIPPED / "core.v1.yaml").read_text()


def test_the_shipped_tools_load_with_their_scales_and_limits() -> None:
    tools = load_catalogue()
    ids = {tool.id for tool in tools.all()}
    assert ids == {"core", "closed-case", "current-case-risk", "early-help", "youth-justice",
                   "fostering", "legacy-overall"}
    core = tools.latest("core")
    assert core is not None
    assert [e.id for e in core.elements] == [
        "risk", "assessment", "plans-and-reviews", "voice-of-the-child", "family-engagement",
        "partner-collaboration", "management-oversight", "case-records", "impact"]
    assert [e.id for e in core.elements if e.limiting] == ["risk", "impact"]
    herefordshire = [tools.latest(name) for name in ("closed-case", "current-case-risk")]
    assert {tool.scale for tool in herefordshire if tool} == {Scale.OFSTED_2012}


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text)
    return folder


@pytest.mark.parametrize(("name", "text", "says"), [
    ("core.v2.yaml", CORE_TEXT.replace("version: 1", "version: 2").replace(
        "caps: {inadequate: inadequate}", "caps: {inadequate: adequat}"),
     "elements.8.caps.inadequate"),
    ("core.v2.yaml", CORE_TEXT.replace("version: 1", "version: 2").replace(
        "kind: yes-no", "kind: yes-or-no", 1), "questions.0.kind"),
    ("core.v2.yaml", CORE_TEXT.replace("version: 1", "version: 2").replace(
        "scale: ofsted-2014", "scale: ofsted-2012"), "element risk: caps name requires-"),
    ("core.v3.yaml", CORE_TEXT.replace("version: 1", "version: 2"), "the file name says"),
    ("core.yaml", CORE_TEXT, "name a tool file <tool-id>.v<version>.yaml"),
    ("core.v2.yaml", "id: core\nversion: 2\n  title: [", "not readable YAML"),
    ("core.v1.yaml", CORE_TEXT.replace("mandatory: false", "mandatory: true", 1),
     "core v1 is published already"),
])
def test_a_bad_tool_file_refuses_start_up_naming_the_file_and_field(
        tmp_path: Path, name: str, text: str, says: str) -> None:
    folder = write(tmp_path / "council", name, text)
    with pytest.raises(ToolFileError) as refused:
        load_catalogue(folder)
    assert str(refused.value).startswith(str(folder / name))
    assert says in str(refused.value)


def test_a_council_publishes_a_new_version_and_may_reword_a_published_one(
        tmp_path: Path) -> None:
    folder = write(tmp_path / "council", "core.v2.yaml",
                   CORE_TEXT.replace("version: 1", "version: 2").replace(
                       "mandatory: false", "mandatory: true", 1))
    write(folder, "core.v1.yaml", CORE_TEXT.replace("Case records are correct",
                                                    "Case records are accurate"))
    tools = load_catalogue(folder)
    latest, first = tools.latest("core"), tools.get("core", 1)
    assert latest is not None
    assert first is not None
    assert latest.version == 2
    assert latest.digest != first.digest
    element = first.element("case-records")
    assert element is not None
    assert element.guidance.startswith("Case records are accurate")


def test_a_missing_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(ToolFileError, match="no such folder"):
        load_catalogue(tmp_path / "nowhere")
