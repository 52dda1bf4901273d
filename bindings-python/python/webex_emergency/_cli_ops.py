"""The command line's one-operation subcommands (``ecbn get``, ``notification set``, ``list people``,
...): which words run which of the core's operations, flags made from each request model's fields,
and how answers are printed. Values are handed to the core as text; it converts and checks them."""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Callable, Dict, Iterable, List, NamedTuple, Optional, Tuple

from . import _native
from ._progress import printable

TYPES = _native.type_info()
OPERATIONS = {op["name"]: op for op in _native.operations()}
# No path ID: the operation's target flag is absent.
NO_TARGET = ""


class Command(NamedTuple):
    """``webex-emergency GROUP VERB``: the operation each target flag picks."""
    group: str
    verb: str
    help: str
    targets: Dict[str, str]  # flag (or NO_TARGET) -> operation name
    examples: Tuple[str, ...]


ID = "ID"
COMMANDS: List[Command] = [
    Command("ecbn", "get", "show a member's emergency callback number",
            {"--person": "people.get_ecbn", "--workspace": "workspaces.get_ecbn",
             "--virtual-line": "virtual_lines.get_ecbn"},
            ("ecbn get --person PERSON_ID", "ecbn get --workspace WORKSPACE_ID --json")),
    Command("ecbn", "set", "set a member's emergency callback number",
            {"--person": "people.update_ecbn", "--workspace": "workspaces.update_ecbn",
             "--virtual-line": "virtual_lines.update_ecbn"},
            ("ecbn set --person PERSON_ID --selected LOCATION_ECBN",
             "ecbn set --person PERSON_ID --selected LOCATION_MEMBER_NUMBER --location-member-id MEMBER_ID --dry-run")),
    Command("ecbn", "dependencies", "show who uses a member's number as their callback number",
            {"--person": "people.ecbn_dependencies", "--workspace": "workspaces.ecbn_dependencies",
             "--virtual-line": "virtual_lines.ecbn_dependencies", "--hunt-group": "hunt_groups.ecbn_dependencies"},
            ("ecbn dependencies --person PERSON_ID", "ecbn dependencies --hunt-group HUNT_GROUP_ID --json")),
    Command("location-ecbn", "get", "show a location's emergency callback number",
            {"--location": "locations.get_ecbn"}, ("location-ecbn get --location LOCATION_ID",)),
    Command("location-ecbn", "set", "set a location's emergency callback number",
            {"--location": "locations.update_ecbn"},
            ("location-ecbn set --location LOCATION_ID --selected LOCATION_NUMBER",
             "location-ecbn set --location LOCATION_ID --selected LOCATION_MEMBER_NUMBER --location-member-id ID")),
    Command("notification", "get", "show the emergency call notification (Kari's Law e-mail) of the org or a location",
            {NO_TARGET: "notifications.get_org", "--location": "notifications.get_location"},
            ("notification get", "notification get --location LOCATION_ID --json")),
    Command("notification", "set", "set the emergency call notification of the org or a location",
            {NO_TARGET: "notifications.update_org", "--location": "notifications.update_location"},
            ("notification set --emergency-call-notification-enabled true --email-address security@example.com",
             "notification set --location LOCATION_ID --emergency-call-notification-enabled false --dry-run")),
    Command("redsky", "account", "show the org's RedSky account and service settings",
            {NO_TARGET: "redsky.get_account"}, ("redsky account --json",)),
    Command("redsky", "create-account", "create a RedSky account and admin for the org",
            {NO_TARGET: "redsky.create_account"}, ("redsky create-account --email admin@example.com --org-prefix CALLING",)),
    Command("redsky", "settings", "update the RedSky service settings (secrets from files, never flags)",
            {NO_TARGET: "redsky.update_service_settings"},
            ("redsky settings --enabled true --company-id COMPANY --secret-file secret.txt",)),
    Command("redsky", "login", "log in to RedSky (the password from a file or standard input)",
            {NO_TARGET: "redsky.login"},
            ("redsky login --email admin@example.com --password-file - < password.txt",)),
    Command("redsky", "status", "show the RedSky compliance status of the org or a location",
            {NO_TARGET: "redsky.get_status", "--location": "redsky.location_status"},
            ("redsky status", "redsky status --location LOCATION_ID")),
    Command("redsky", "set-status", "set the RedSky compliance status of the org or a location",
            {NO_TARGET: "redsky.update_status", "--location": "redsky.update_location_status"},
            ("redsky set-status --compliance-status ROUTING_ENABLED --dry-run",)),
    Command("redsky", "compliance", "list every location's RedSky compliance status",
            {NO_TARGET: "redsky.compliance_status_page"}, ("redsky compliance", "redsky compliance --json > status.jsonl")),
    Command("redsky", "parameters", "show the RedSky parameters of a location",
            {"--location": "redsky.location_parameters"}, ("redsky parameters --location LOCATION_ID",)),
    Command("redsky", "create-building", "create the RedSky building (dispatchable address) of a location",
            {"--location": "redsky.create_building"},
            ("redsky create-building --location ID --address-address-line1 '1 Main St' --address-city Dallas "
             "--address-state-or-province TX --address-zip-or-postal-code 75001 --address-country US",)),
    Command("redsky", "update-building", "update the RedSky building address of a location",
            {"--location": "redsky.update_building"},
            ("redsky update-building --location ID --address-address-line2 'Floor 3'",)),
    Command("list", "locations", "list the org's locations", {NO_TARGET: "locations.list_page"},
            ("list locations", "list locations --json | jq .name")),
    Command("list", "people", "list the org's people", {NO_TARGET: "people.list_page"}, ("list people --limit 20",)),
    Command("list", "workspaces", "list the org's workspaces", {NO_TARGET: "workspaces.list_page"},
            ("list workspaces",)),
    Command("list", "virtual-lines", "list the org's virtual lines", {NO_TARGET: "virtual_lines.list_page"},
            ("list virtual-lines --json",)),
]

GROUP_HELP = {
    "ecbn": "emergency callback number of a person, workspace or virtual line",
    "location-ecbn": "emergency callback number of a location",
    "notification": "emergency call notification (Kari's Law e-mail)",
    "redsky": "RedSky (RAY BAUM's Act dispatchable location) account, status, buildings",
    "list": "list locations, people, workspaces or virtual lines",
}


class Field(NamedTuple):
    """A body field as a flag: its flag, the field's name for the core (``address.city`` for a
    nested one), whether its value is read from a file (secrets), and its help."""
    flag: str
    name: str
    secret: bool
    help: str


def _kebab(name: str) -> str:
    return _native.camel_to_snake(name).replace("_", "-")


def _kind_help(kind: Dict[str, Any]) -> str:
    if kind["type"] == "enum":
        return " | ".join(TYPES["enums"][kind["name"]]["values"])
    return {"bool": "true | false", "integer": "a whole number"}.get(kind["type"], "")


def _fields(model: Optional[str], prefix: str = "", flag_prefix: str = "") -> List[Field]:
    """The flags of a request model's fields (nested models' fields prefixed with their name)."""
    out: List[Field] = []
    for f in TYPES["requests"][model]["fields"] if model else []:
        flag = flag_prefix + _kebab(f["json"])
        kind = f["kind"]
        if kind["type"] == "object":
            out += _fields(kind["model"], prefix + f["json"] + ".", flag + "-")
        elif kind["type"] == "secret":
            out.append(Field(f"--{flag}-file", prefix + f["json"], True,
                             f"file holding {f['doc'].rstrip('.').lower()} (- for standard input); never printed"))
        else:
            hint = _kind_help(kind)
            out.append(Field(f"--{flag}", prefix + f["json"], False, f["doc"] + (f" ({hint})" if hint else "")))
    return out


def command_fields(command: Command) -> List[Field]:
    """Every body flag of a command: the union over its operations (the core refuses a field the
    chosen operation does not have)."""
    seen: Dict[str, Field] = {}
    for op in command.targets.values():
        for f in _fields(OPERATIONS[op]["request"]):
            seen.setdefault(f.flag, f)
    return list(seen.values())


def add_commands(sub: Any, common: argparse.ArgumentParser, run: Callable[[argparse.Namespace], int]) -> None:
    """Adds every group and its verbs to the top-level subparsers."""
    groups: Dict[str, Any] = {}
    for command in COMMANDS:
        if command.group not in groups:
            group = sub.add_parser(command.group, help=GROUP_HELP[command.group],
                                   description=GROUP_HELP[command.group])
            groups[command.group] = group.add_subparsers(dest="verb", metavar="COMMAND", required=True)
        ops = [OPERATIONS[o] for o in command.targets.values()]
        writes = any(op["request"] for op in ops)
        paged = any(op["paged"] for op in ops)
        epilog = "examples:\n" + "\n".join(f"  webex-emergency {e}" for e in command.examples)
        epilog += "\n\noperations:\n" + "\n".join(f"  {o['name']}: {o['method']} {o['path']}" for o in ops)
        epilog += "\n\nexit status: 0 done, 1 the API refused the request, 2 usage or a broken rule (nothing " \
                  "sent), 3 credentials refused or API unreachable"
        p = groups[command.group].add_parser(
            command.verb, parents=[common], help=command.help, description=command.help[0].upper() + command.help[1:] + ".",
            formatter_class=argparse.RawDescriptionHelpFormatter, epilog=epilog)
        targets = [t for t in command.targets if t != NO_TARGET]
        if targets:
            g = p.add_mutually_exclusive_group(required=NO_TARGET not in command.targets)
            for t in targets:
                g.add_argument(t, metavar=ID, dest="target_" + t[2:].replace("-", "_"),
                               help=f"the {t[2:].replace('-', ' ')} ({OPERATIONS[command.targets[t]]['name']})")
        fields = command_fields(command)
        if fields:
            body = p.add_argument_group("fields of the request (checked by the library before anything is sent)")
            for f in fields:
                body.add_argument(f.flag, dest="field_" + f.flag[2:].replace("-", "_"), metavar="FILE" if f.secret else "VALUE",
                                  help=f.help)
        p.add_argument("--json", action="store_true", help="print the API's JSON (JSON Lines for lists)")
        if writes:
            p.add_argument("--dry-run", action="store_true",
                           help="print the validated request (token and secrets masked); send nothing")
        if paged:
            p.add_argument("--limit", type=_limit, metavar="N", help="stop after N items")
            p.add_argument("--page-size", type=int, metavar="N", help="items per page read")
        p.set_defaults(run=run, command_spec=command, fields=fields, api_error_status=1)


def _limit(text: str) -> int:
    """``--limit``: a whole number from 0 (a negative one would print nothing and succeed)."""
    try:
        n = int(text)
    except ValueError:
        n = -1
    if n < 0:
        raise argparse.ArgumentTypeError(f"must be a whole number from 0, not {text!r}")
    return n


def choose(args: argparse.Namespace) -> Tuple[Dict[str, Any], Optional[str]]:
    """The operation the flags pick, and its path ID."""
    command: Command = args.command_spec
    for flag, op in command.targets.items():
        if flag == NO_TARGET:
            continue
        value = getattr(args, "target_" + flag[2:].replace("-", "_"))
        if value is not None:
            return OPERATIONS[op], value
    return OPERATIONS[command.targets[NO_TARGET]], None


def body_fields(args: argparse.Namespace, read_secret: Callable[[str, str], str]) -> List[Tuple[str, str]]:
    """``(field, text)`` of every field flag given (secrets read from their files)."""
    out = []
    for f in args.fields:
        value = getattr(args, "field_" + f.flag[2:].replace("-", "_"))
        if value is not None:
            out.append((f.name, read_secret(f.flag, value) if f.secret else value))
    return out


def broken_rules(args: argparse.Namespace, op: Dict[str, Any], error: Any) -> str:
    """A validation error's rules, each named by the flag that gave its field (and the field)."""
    flags = {f.name: f.flag for f in args.fields}
    command: Command = args.command_spec
    for flag, name in command.targets.items():
        if name == op["name"] and op["pathParam"]:
            flags[op["pathParam"]] = flag
    lines = [f"{op['name']} was not sent:"]
    for e in error.errors:
        given_by = flags.get(e["field"])
        where = f"{given_by} ({e['field']})" if given_by else e["field"]
        lines.append(f"  {where}: {e['message']} ({e['rule']})")
    return "\n".join(lines)


def _flat(value: Any, prefix: str = "") -> Iterable[Tuple[str, Any]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _flat(v, f"{prefix}{k}.")
    elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        for i, v in enumerate(value):
            yield from _flat(v, f"{prefix}{i}.")
    else:
        yield prefix[:-1], value


def summary(answer: Dict[str, Any]) -> str:
    """An answer as ``field: value`` lines (nested fields dotted)."""
    rows = list(_flat(answer))
    if not rows:
        return "(empty)\n"
    width = min(max(len(k) for k, _ in rows), 40)
    return "".join(f"{printable(k):<{width}}  {json.dumps(v) if not isinstance(v, str) else printable(v)}\n" for k, v in rows)


NAME_KEYS = ("displayName", "name", "locationName")


def table(items: List[Dict[str, Any]], width: int = 100) -> str:
    """List items as a table: the name, other plain fields as far as they fit in ``width``
    columns (cut at 30 characters), and the ID last and whole (it is there to be copied)."""
    if not items:
        return "(none)\n"
    keys: List[str] = []
    for item in items[:50]:
        for k, v in item.items():
            if k not in keys and not isinstance(v, (dict, list)):
                keys.append(k)
    first = {k: i for i, k in enumerate(keys)}
    keys.sort(key=lambda k: (k not in NAME_KEYS, first[k]))
    if "id" in keys:
        keys.remove("id")
        keys.append("id")
    cells = [[("" if it.get(k) is None else printable(str(it.get(k)))) for k in keys] for it in items]
    widths = [max(len(k), *(len(r[i]) for r in cells)) for i, k in enumerate(keys)]
    room = width - (widths[-1] + 2 if keys[-1] == "id" else 0)
    shown, used = [], 0
    for i, w in enumerate(widths):
        if keys[i] == "id":
            shown.append((i, w))
            break
        w = min(w, 30)
        if used + w > room and shown:
            continue
        shown.append((i, w))
        used += w + 2
    lines = ["  ".join(printable(keys[i].upper())[:w].ljust(w) for i, w in shown).rstrip()]
    lines += ["  ".join(r[i][:w].ljust(w) for i, w in shown).rstrip() for r in cells]
    return "\n".join(lines) + "\n"


def print_answer(args: argparse.Namespace, op: Dict[str, Any], answer: Any, target: Optional[str]) -> None:
    if answer is None:
        if not args.json:
            what = f" for {target}" if target else ""
            print(f"done: {op['summary'].lower()}{what}")
        return
    data = answer.to_dict() if hasattr(answer, "to_dict") else answer
    if args.json:
        print(json.dumps(data, indent=2))
    else:
        sys.stdout.write(summary(data))


__all__ = ["COMMANDS", "add_commands", "choose", "body_fields", "broken_rules", "print_answer", "table", "summary"]
