"""The 年度自评报告 (DOCX, PDF) and its score table (XLSX)."""
