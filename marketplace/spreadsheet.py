"""CSV files that open safely in any spreadsheet: `;` as Excel in Indonesian splits on, a BOM so
it reads UTF-8, every cell quoted, and text that would start a formula led by an apostrophe."""

import csv
import re

from django.http import HttpResponse

# A cell starting with = + - @ is a formula; a program that splits on another separator or ignores
# the quotes starts a new cell after any of ; , tab, line break or ", so those count as starts too.
FORMULA_AFTER_SEPARATOR = re.compile(r"(^|[;,\t\r\n\"])(?=[=+\-@])")


def spreadsheet_safe(value):
    if isinstance(value, str):
        return FORMULA_AFTER_SEPARATOR.sub(r"\1'", value)
    return value


def csv_response(filename: str, headers, rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";", quoting=csv.QUOTE_ALL)
    writer.writerow([spreadsheet_safe(str(header)) for header in headers])
    for row in rows:
        writer.writerow([spreadsheet_safe(value) for value in row])
    return response
