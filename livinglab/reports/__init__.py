"""Reports of activity and participation for a period: CSV, spreadsheet, printable page, PDF."""
