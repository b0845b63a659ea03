"""EDGAR's answers in their real shape, for a fictional company, served by pytest-httpserver.

``submissions`` is the document ``https://data.sec.gov/submissions/CIK##########.json``
answers: every top-level key of the real document (entity data, addresses,
former names) and ``filings.recent`` as parallel arrays with all fourteen
columns, ``filings.files`` naming the documents with older filings (which
hold the same columns at their top level, ``older_filings``).
``filing_index_page`` is a filing's ``<accession>-index.htm``, with the
"Document Format Files" table as EDGAR lays it out. The shapes follow a
real submissions document and index pages as the SEC serves them.
"""

import json
from dataclasses import dataclass

CIK = "0001990217"
COMPANY = "Halvorsen Instruments, Inc."
COLUMNS = (
    "accessionNumber",
    "filingDate",
    "reportDate",
    "acceptanceDateTime",
    "act",
    "form",
    "fileNumber",
    "filmNumber",
    "items",
    "size",
    "isXBRL",
    "isInlineXBRL",
    "primaryDocument",
    "primaryDocDescription",
)


@dataclass(frozen=True)
class Row:
    accession: str
    filing_date: str
    form: str
    primary_document: str
    description: str = ""
    report_date: str = ""
    accepted: str = ""
    items: str = ""
    size: int = 150_000
    xbrl: int = 0
    inline_xbrl: int = 0

    def values(self) -> dict:
        section16 = self.form in {"3", "4", "5", "3/A", "4/A", "5/A"}
        return {
            "accessionNumber": self.accession,
            "filingDate": self.filing_date,
            "reportDate": self.report_date,
            "acceptanceDateTime": self.accepted or f"{self.filing_date}T20:05:11.000Z",
            "act": "" if section16 else "34",
            "form": self.form,
            "fileNumber": "" if section16 else "001-41234",
            "filmNumber": "" if section16 else "24512345",
            "items": self.items,
            "size": self.size,
            "isXBRL": self.xbrl,
            "isInlineXBRL": self.inline_xbrl,
            "primaryDocument": self.primary_document,
            "primaryDocDescription": self.description,
        }


def columns(rows: list[Row]) -> dict:
    values = [row.values() for row in rows]
    return {column: [value[column] for value in values] for column in COLUMNS}


def submissions(rows: list[Row], *, older: tuple[tuple[str, int, str, str], ...] = (), cik: str = CIK) -> dict:
    address = {
        "street1": "1200 INSTRUMENT WAY",
        "street2": None,
        "city": "TEMPE",
        "stateOrCountry": "AZ",
        "zipCode": "85281",
        "stateOrCountryDescription": "AZ",
    }
    return {
        "cik": str(int(cik)),
        "entityType": "operating",
        "sic": "3825",
        "sicDescription": "Instruments For Meas & Testing of Electricity & Elec Signals",
        "insiderTransactionForOwnerExists": 0,
        "insiderTransactionForIssuerExists": 1,
        "name": COMPANY,
        "tickers": ["HLVI"],
        "exchanges": ["Nasdaq"],
        "ein": "861234567",
        "description": "",
        "website": "",
        "investorWebsite": "",
        "category": "Non-accelerated filer<br>Smaller reporting company",
        "fiscalYearEnd": "1231",
        "stateOfIncorporation": "DE",
        "stateOfIncorporationDescription": "DE",
        "addresses": {"mailing": address, "business": address | {"street2": "SUITE 400"}},
        "phone": "480-555-0142",
        "flags": "",
        "formerNames": [
            {"name": "HALVORSEN CALIBRATION CORP", "from": "2011-03-02T00:00:00.000Z", "to": "2019-06-14T00:00:00.000Z"}
        ],
        "filings": {
            "recent": columns(rows),
            "files": [
                {"name": name, "filingCount": count, "filingFrom": first, "filingTo": last}
                for name, count, first, last in older
            ],
        },
    }


def older_filings(rows: list[Row]) -> dict:
    return columns(rows)


def as_json(document: dict) -> str:
    return json.dumps(document, indent=1)


# The rows an investor site typically shows, newest first, as the submissions API lists them.
EARNINGS_8K = Row(
    "0001990217-26-000031",
    "2026-02-24",
    "8-K",
    "hlvi-20260224.htm",
    "8-K",
    report_date="2026-02-24",
    accepted="2026-02-24T21:06:40.000Z",
    items="2.02,9.01",
    xbrl=1,
    inline_xbrl=1,
)
FORM_4 = Row(
    "0001127602-26-004512", "2026-02-20", "4", "xslF345X05/wk-form4_1708467111.xml", "FORM 4", report_date="2026-02-18"
)
ANNUAL = Row(
    "0001990217-26-000027",
    "2026-02-12",
    "10-K",
    "hlvi-20251231.htm",
    "10-K",
    report_date="2025-12-31",
    size=9_845_120,
    xbrl=1,
    inline_xbrl=1,
)
PROXY = Row("0001193125-25-087654", "2025-04-18", "DEF 14A", "d812345ddef14a.htm", "DEF 14A", report_date="2025-06-05")
GOVERNANCE_8K = Row(
    "0001990217-25-000019",
    "2025-03-03",
    "8-K",
    "hlvi-20250228.htm",
    "8-K",
    report_date="2025-02-28",
    items="5.02",
    xbrl=1,
    inline_xbrl=1,
)
SHELF = Row("0001193125-24-112233", "2024-11-08", "S-3", "d778899ds3.htm", "S-3")
HOLDER_13G = Row("0000932471-24-001122", "2024-02-13", "SC 13G/A", "tv0214-halvorsen.htm", "SC 13G/A")
RECENT = [EARNINGS_8K, FORM_4, ANNUAL, PROXY, GOVERNANCE_8K, SHELF, HOLDER_13G]
# In the older filings document the submissions name.
FIRST_QUARTERLY = Row(
    "0001990217-20-000011",
    "2020-05-07",
    "10-Q",
    "hlvi-10q_20200331.htm",
    "10-Q",
    report_date="2020-03-31",
    xbrl=1,
)
OLDER_FILE = f"CIK{CIK}-submissions-001.json"
OLDER = [FIRST_QUARTERLY]
OLDER_ENTRY = (OLDER_FILE, 1, "2020-05-07", "2020-05-07")

EARNINGS_HEADLINE = "Halvorsen Instruments Reports Fourth Quarter and Full Year 2025 Results"
EXHIBIT_NAME = "hlvi-ex991_20260224.htm"


def archive_folder(row: Row, cik: str = CIK) -> str:
    return f"/Archives/edgar/data/{int(cik)}/{row.accession.replace('-', '')}"


def filing_index_page(row: Row, documents: list[tuple[str, str, str, int]], cik: str = CIK) -> str:
    """``documents``: (description, file name, type, size) in sequence order."""
    folder = archive_folder(row, cik)
    rows = []
    for number, (description, name, kind, size) in enumerate(documents, start=1):
        css = ' class="blueRow"' if number % 2 == 0 else ""
        rows.append(
            f"""         <tr{css}>
            <td scope="row">{number}</td>
            <td scope="row">{description}</td>
            <td scope="row"><a href="{folder}/{name}">{name}</a></td>
            <td scope="row">{kind}</td>
            <td scope="row">{size}</td>
         </tr>"""
        )
    table_rows = "\n".join(rows)
    return f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>EDGAR Filing Documents for {row.accession}</title>
<link rel="stylesheet" type="text/css" href="/include/interactive.css" />
</head>
<body style="margin: 0">
<div id="headerBottom">
   <div id="PageTitle">Filing Detail</div>
</div>
<div id="contentDiv">
<!-- START FILING DIV -->
<div id="formDiv">
   <div id="formHeader">
      <div id="formName">
         <strong>Form {row.form}</strong> - Current report:
      </div>
      <div id="secNum">
         <strong><acronym title="Securities and Exchange Commission">SEC</acronym> Accession \
<acronym title="Number">No.</acronym></strong> {row.accession}
      </div>
   </div>
   <div class="formContent">
      <div class="formGrouping">
         <div class="infoHead">Filing Date</div>
         <div class="info">{row.filing_date}</div>
         <div class="infoHead">Accepted</div>
         <div class="info">{row.filing_date} 16:06:40</div>
         <div class="infoHead">Documents</div>
         <div class="info">{len(documents)}</div>
      </div>
      <div class="formGrouping">
         <div class="infoHead">Period of Report</div>
         <div class="info">{row.report_date}</div>
      </div>
      <div style="clear:both"></div>
   </div>
</div>
<!-- END FILING DIV -->
<!-- START DOCUMENT DIV -->
<div id="formDiv">
   <div style="padding: 0px 0px 4px 0px; font-size: 12px; margin: 0px 2px 0px 5px; width: 100%; overflow:hidden">
      <p>Document Format Files</p>
      <table class="tableFile" summary="Document Format Files">
         <tr>
            <th scope="col" style="width: 5%;"><acronym title="Sequence Number">Seq</acronym></th>
            <th scope="col" style="width: 40%;">Description</th>
            <th scope="col" style="width: 20%;">Document</th>
            <th scope="col" style="width: 10%;">Type</th>
            <th scope="col">Size</th>
         </tr>
{table_rows}
         <tr class="blueRow">
            <td scope="row">&nbsp;</td>
            <td scope="row">Complete submission text file</td>
            <td scope="row"><a href="{folder}/{row.accession}.txt">{row.accession}.txt</a></td>
            <td scope="row">&nbsp;</td>
            <td scope="row">412345</td>
         </tr>
      </table>
   </div>
</div>
<!-- END DOCUMENT DIV -->
</div>
</body>
</html>
"""


def earnings_index_page() -> str:
    return filing_index_page(
        EARNINGS_8K,
        [
            ("8-K", EARNINGS_8K.primary_document, "8-K", 38_912),
            ("PRESS RELEASE", EXHIBIT_NAME, "EX-99.1", 152_004),
            ("", "hlvi-20260224_g1.jpg", "GRAPHIC", 10_846),
        ],
    )


EARNINGS_EXHIBIT = f"""<html>
<head><title>Document</title><style>p {{ margin: 0 }}</style></head>
<body>
<p style="text-align:right"><b>Exhibit 99.1</b></p>
<p style="text-align:center"><b>{EARNINGS_HEADLINE.replace("Fourth Quarter", "Fourth&nbsp;Quarter")}</b></p>
<p>TEMPE, Ariz., Feb. 24, 2026 (GLOBE NEWSWIRE) -- Halvorsen Instruments, Inc. (Nasdaq: HLVI) today reported
results for the fourth quarter and full year ended December 31, 2025.</p>
</body>
</html>
"""
