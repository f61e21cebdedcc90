"""Head-office reports: figures computed from the local database and written as workbooks. No Qt."""
