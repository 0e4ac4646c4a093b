"""Audit tools loaded from YAML files at start-up: the ones shipped beside this package
(`services/audit/tools/`), then a council's own folder (AUDIT_TOOLS_DIR), which adds tools
and versions. A file that does not make a valid tool refuses start-up, naming the file and
the field; so does a version published twice with different content."""

from __future__ import annotations

import re
from pathlib import Path

import yaml  # type: ignore[import-untyped]
from pydantic import ValidationError

from services.audit.domain.tools import AuditTool, ToolCatalogue

SHIPPED = Path(__file__).resolve().parents[1] / "tools"
FILE_NAME = re.compile(r"^(?P<id>[a-z0-9][a-z0-9-]*)\.v(?P<version>[1-9][0-9]*)\.ya?ml$")


class ToolFileError(Exception):
    """A tool file that cannot be loaded: the message names the file and the field."""


def load_catalogue(own_folder: Path | None = None) -> ToolCatalogue:
    loaded: dict[tuple[str, int], tuple[AuditTool, Path]] = {}
    for folder in (SHIPPED, *([own_folder] if own_folder is not None else [])):
        if not folder.is_dir():
            raise ToolFileError(f"{folder}: no such folder (AUDIT_TOOLS_DIR names a folder "
                                "of <tool-id>.v<version>.yaml files)")
        for path in sorted(folder.iterdir()):
            if path.suffix not in {".yaml", ".yml"}:
                continue
            tool = load_tool(path)
            earlier = loaded.get((tool.id, tool.version))
            if earlier is not None and earlier[0].digest != tool.digest:
                raise ToolFileError(
                    f"{path}: {tool.ref} is published already ({earlier[1]}) with other "
                    "elements, caps, questions or scale; publish the change as version "
                    f"{tool.version + 1} so audits begun on version {tool.version} keep it")
            loaded[(tool.id, tool.version)] = (tool, path)  # later wording wins
    return ToolCatalogue(tool for tool, _ in loaded.values())


def load_tool(path: Path) -> AuditTool:
    named = FILE_NAME.match(path.name)
    if named is None:
        raise ToolFileError(f"{path}: name a tool file <tool-id>.v<version>.yaml, "
                            "e.g. core.v2.yaml")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise ToolFileError(f"{path}: not readable YAML: {error}") from None
    if not isinstance(data, dict):
        raise ToolFileError(f"{path}: a tool file holds a mapping (id, version, title, ...)")
    try:
        tool = AuditTool.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in item['loc']) or '(the file)'}: {item['msg']}"
            for item in error.errors(include_url=False))
        raise ToolFileError(f"{path}: {problems}") from None
    if (tool.id, tool.version) != (named["id"], int(named["version"])):
        raise ToolFileError(f"{path}: id and version say {tool.ref}, the file name says "
                            f"{named['id']} v{named['version']}; make them agree")
    return tool
