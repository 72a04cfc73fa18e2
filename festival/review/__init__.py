"""The year in review (年度工作总结): an organisation's year counted from what it recorded
(``figures``), the report's paragraphs (``summary``), the page and its Word and Excel copies."""
