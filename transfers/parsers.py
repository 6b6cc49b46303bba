"""Bank files → rows (docs/rules.md §9.3): CSV with a mapping (detected or chosen), OFX/QFX
through ofxparse (MIT), CAMT.053 through lxml (BSD) with entities and network off. Pure: no ORM.

Every problem raises ImportFileError with a message for the member.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

SPENDING, INCOME = "spending", "income"
DELIMITERS = {"comma": ",", "semicolon": ";", "tab": "\t", "pipe": "|"}
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%m/%d/%Y", "%d-%m-%Y", "%Y/%m/%d")
HEADER_WORDS = {
    "date": ("date", "datum", "booking date", "buchungstag", "valuta", "transaction date"),
    "amount": ("amount", "betrag", "montant", "importe", "value", "sum"),
    "description": ("description", "payee", "memo", "text", "verwendungszweck",
                    "beschreibung", "libellé", "details", "name", "reference"),
}  # fmt: skip
MAX_ROWS = 20000


class ImportFileError(ValueError):
    """A file that cannot be imported; the message says why."""


@dataclass(frozen=True)
class ParsedRow:
    line: int
    day: date
    amount: Decimal  # positive
    kind: str  # SPENDING or INCOME
    description: str
    key: str = ""  # the file's own id, or "" (then date, amount and description make it)


@dataclass
class CsvOptions:
    """How to read a CSV; "" means detect."""

    delimiter: str = ""
    date_format: str = ""
    decimal: str = ""
    date_column: str = ""
    amount_column: str = ""
    description_column: str = ""
    sign_column: str = ""  # empty: negative amounts are spending, positive are income
    detected: dict[str, str] = field(default_factory=dict)


def decode(raw: bytes, encoding: str = "utf-8") -> str:
    """The text of a file, or a clear error when it is not in the expected encoding."""
    try:
        return raw.decode("utf-8-sig" if encoding == "utf-8" else encoding)
    except (UnicodeDecodeError, LookupError):
        raise ImportFileError(
            f"The file is not {encoding.upper()} text. Save it as UTF-8, or choose its "
            "encoding (e.g. Windows-1252)."
        ) from None


def _norm(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(c for c in plain if not unicodedata.combining(c))


def parse_amount(text: str, decimal: str) -> Decimal:
    """A signed amount written with `decimal` as separator; thousands marks and spaces ignored."""
    cleaned = re.sub(r"[\s\u00a0'’]|[^\d,.\-+()]", "", text)
    negative = cleaned.startswith("(") and cleaned.endswith(")")
    cleaned = cleaned.strip("()")
    if decimal == ",":
        cleaned = cleaned.replace(".", "").replace(",", ".")
    else:
        cleaned = cleaned.replace(",", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"not an amount: {text!r}") from None
    if not value.is_finite() or value != value.quantize(Decimal("0.01")):
        raise ValueError(f"not an amount with at most 2 decimals: {text!r}")
    if abs(value) > Decimal("9999999999.99"):
        raise ValueError(f"amount too large: {text!r}")
    return -value if negative else value


def _detect_decimal(samples: list[str]) -> str:
    votes = Counter()
    for text in samples:
        match = re.search(r"[.,](\d{1,2})\s*$", text.strip().rstrip(")"))
        if match:
            votes[text.strip().rstrip(")")[match.start()]] += 1
    return votes.most_common(1)[0][0] if votes else "."


def _detect_date_format(samples: list[str]) -> str:
    for fmt in DATE_FORMATS:
        try:
            for text in samples:
                datetime.strptime(text.strip(), fmt)
        except ValueError:
            continue
        return fmt
    raise ImportFileError("Could not read the dates: choose the date format.")


def _column(header: list[str], chosen: str, role: str) -> int:
    if chosen:
        if chosen.isdigit() and 1 <= int(chosen) <= len(header):
            return int(chosen) - 1
        for index, name in enumerate(header):
            if _norm(name) == _norm(chosen):
                return index
        raise ImportFileError(f"There is no column {chosen!r} for the {role}.")
    names = [_norm(h) for h in header]
    for word in HEADER_WORDS[role]:
        for index, name in enumerate(names):
            if name == word or name.startswith(word):
                return index
    raise ImportFileError(f"Could not tell which column holds the {role}: choose it.")


def parse_csv(text: str, options: CsvOptions) -> list[ParsedRow]:
    """Rows of a bank CSV with a header line, read with the options (detected where empty)."""
    if not text.strip():
        raise ImportFileError("The file is empty.")
    delimiter = DELIMITERS.get(options.delimiter, options.delimiter)
    if not delimiter:
        try:
            delimiter = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
    try:
        table = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise ImportFileError(f"The CSV is malformed: {error}.") from None
    table = [row for row in table if any(cell.strip() for cell in row)]
    if len(table) < 2:
        raise ImportFileError("The CSV has no rows under its header line.")
    if len(table) > MAX_ROWS + 1:
        raise ImportFileError(f"The CSV has more than {MAX_ROWS} rows: split it.")
    header, body = table[0], table[1:]
    date_col = _column(header, options.date_column, "date")
    amount_col = _column(header, options.amount_column, "amount")
    text_col = _column(header, options.description_column, "description")
    sign_col = _column(header, options.sign_column, "sign") if options.sign_column else None
    width = max(date_col, amount_col, text_col, sign_col or 0) + 1

    def cell(row: list[str], index: int, line: int) -> str:
        if len(row) < width:
            raise ImportFileError(f"Line {line} has {len(row)} columns; the header has more.")
        return row[index]

    lines = range(2, len(body) + 2)
    date_format = options.date_format or _detect_date_format(
        [cell(r, date_col, n) for r, n in zip(body[:50], lines, strict=False)]
    )
    decimal = options.decimal or _detect_decimal(
        [r[amount_col] for r in body[:50] if len(r) > amount_col]
    )
    options.detected = {
        "delimiter": next((k for k, v in DELIMITERS.items() if v == delimiter), delimiter),
        "date_format": date_format,
        "decimal": decimal,
        "date_column": header[date_col],
        "amount_column": header[amount_col],
        "description_column": header[text_col],
    }
    rows = []
    for row, line in zip(body, lines, strict=True):
        try:
            day = datetime.strptime(cell(row, date_col, line).strip(), date_format).date()
        except ValueError:
            raise ImportFileError(
                f"Line {line}: {row[date_col]!r} is not a date like {date_format}."
            ) from None
        try:
            amount = parse_amount(cell(row, amount_col, line), decimal)
        except ValueError:
            raise ImportFileError(f"Line {line}: {row[amount_col]!r} is not an amount.") from None
        if sign_col is not None:
            sign = _norm(row[sign_col])
            negative = sign.startswith(("d", "-", "s", "debit", "out"))
            amount = -abs(amount) if negative else abs(amount)
        if amount == 0:
            continue
        kind = SPENDING if amount < 0 else INCOME
        description = " ".join(cell(row, text_col, line).split())[:200]
        rows.append(ParsedRow(line, day, abs(amount), kind, description))
    return rows


def parse_ofx(raw: bytes) -> list[ParsedRow]:
    """Transactions of an OFX/QFX statement (SGML 1.x or XML 2.x), through ofxparse."""
    from ofxparse import OfxParser  # MIT; imported when a file needs it

    try:
        ofx = OfxParser.parse(io.BytesIO(raw))
    except Exception as error:  # ofxparse raises many kinds on bad input
        raise ImportFileError(
            f"This OFX/QFX file cannot be read ({type(error).__name__})."
        ) from None
    try:
        rows = _ofx_rows(ofx)
    except (AttributeError, TypeError, ValueError, ArithmeticError) as error:
        # a statement with parts missing or of the wrong kind (e.g. no date, no amount)
        raise ImportFileError(
            f"This OFX/QFX file cannot be read ({type(error).__name__})."
        ) from None
    if not rows:
        raise ImportFileError("The OFX/QFX file has no transactions.")
    return rows


def _ofx_rows(ofx) -> list[ParsedRow]:
    rows = []
    line = 0
    for account in getattr(ofx, "accounts", None) or []:
        statement = getattr(account, "statement", None)
        for tx in getattr(statement, "transactions", None) or []:
            line += 1
            amount = Decimal(tx.amount).quantize(Decimal("0.01"))
            if amount == 0:
                continue
            description = " ".join(f"{tx.payee or ''} {tx.memo or ''}".split())[:200]
            rows.append(
                ParsedRow(line, tx.date.date(), abs(amount), SPENDING if amount < 0 else INCOME,
                          description, key=f"ofx:{account.account_id}:{tx.id}")
            )  # fmt: skip
    return rows


def parse_camt053(raw: bytes) -> list[ParsedRow]:
    """Entries of an ISO 20022 CAMT.053 bank statement (any camt.053 version)."""
    from lxml import etree

    if b"<!DOCTYPE" in raw[:2048].upper():
        raise ImportFileError("The XML file declares a DOCTYPE: not a CAMT.053 statement.")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(raw, parser=parser)
    except etree.XMLSyntaxError as error:
        raise ImportFileError(f"The XML is malformed: {error.msg}.") from None
    namespace = root.nsmap.get(None, "")
    if "camt.053" not in namespace:
        raise ImportFileError("This XML is not a CAMT.053 bank statement.")
    ns = {"c": namespace}
    rows = []
    for line, entry in enumerate(root.iterfind(".//c:Stmt/c:Ntry", ns), start=1):
        amount_text = entry.findtext("c:Amt", namespaces=ns)
        sign = entry.findtext("c:CdtDbtInd", namespaces=ns)
        day_text = entry.findtext("c:BookgDt/c:Dt", namespaces=ns) or entry.findtext(
            "c:ValDt/c:Dt", namespaces=ns
        )
        if not amount_text or sign not in ("CRDT", "DBIT") or not day_text:
            raise ImportFileError(f"Entry {line} lacks an amount, a credit/debit sign or a date.")
        try:
            amount = parse_amount(amount_text, ".")
            day = date.fromisoformat(day_text[:10])
        except ValueError:
            raise ImportFileError(f"Entry {line} has a bad amount or date.") from None
        parts = [
            entry.findtext(".//c:RmtInf/c:Ustrd", namespaces=ns),
            entry.findtext(".//c:RltdPties/c:Cdtr/c:Nm", namespaces=ns)
            if sign == "DBIT"
            else entry.findtext(".//c:RltdPties/c:Dbtr/c:Nm", namespaces=ns),
            entry.findtext("c:AddtlNtryInf", namespaces=ns),
        ]
        description = " ".join(" ".join(p for p in parts if p).split())[:200]
        ref = entry.findtext("c:AcctSvcrRef", namespaces=ns) or entry.findtext(
            "c:NtryRef", namespaces=ns
        )
        rows.append(
            ParsedRow(line, day, abs(amount), SPENDING if sign == "DBIT" else INCOME,
                      description, key=f"camt:{ref}" if ref else "")
        )  # fmt: skip
    if not rows:
        raise ImportFileError("The CAMT.053 statement has no entries.")
    return rows


def parse_file(*, raw: bytes, filename: str, options: CsvOptions, encoding: str) -> list[ParsedRow]:
    """Rows of an uploaded file, by its content (XML, OFX) or as CSV."""
    head = raw[:512].lstrip(b"\xef\xbb\xbf \r\n\t").upper()
    if (
        head.startswith(b"OFXHEADER")
        or b"<OFX>" in raw[:4096].upper()
        or filename.lower().endswith((".ofx", ".qfx"))
    ):
        return parse_ofx(raw)
    if (
        head.startswith(b"<?XML")
        or head.startswith(b"<DOCUMENT")
        or filename.lower().endswith(".xml")
    ):
        return parse_camt053(raw)
    return parse_csv(decode(raw, encoding), options)


def row_keys(rows: list[ParsedRow]) -> list[str]:
    """One key per row: the file's id, or date+amount+kind+description with its occurrence."""
    seen: Counter[str] = Counter()
    keys = []
    for row in rows:
        base = row.key or f"{row.day}|{row.kind}|{row.amount}|{_norm(row.description)}"
        seen[base] += 1
        text = f"{base}|{seen[base]}" if not row.key else base
        keys.append(hashlib.sha256(text.encode()).hexdigest())
    return keys
