from retail_suite.db.port import chunked, multi_row_insert_sql
from retail_suite.db.schema import column_definition, table_spec


def test_column_definitions_follow_frappe() -> None:
	assert column_definition({"fieldname": "qty", "fieldtype": "Float"}) == "decimal(21,9) not null default 0"
	assert column_definition({"fieldname": "n", "fieldtype": "Int", "default": "5"}) == "int(11) not null default 5"
	assert column_definition({"fieldname": "c", "fieldtype": "Check", "default": "1"}) == "int(1) not null default 1"
	assert column_definition({"fieldname": "code", "fieldtype": "Data", "unique": 1}) == "varchar(140) unique"
	assert column_definition({"fieldname": "t", "fieldtype": "Time", "default": "04:00:00"}) == "time(6) default '04:00:00'"
	assert column_definition({"fieldname": "d", "fieldtype": "Date", "default": "Today"}) == "date"
	assert column_definition({"fieldname": "b", "fieldtype": "Section Break"}) is None


def test_table_spec_child_and_parent() -> None:
	fields = [
		{"fieldname": "item", "fieldtype": "Link", "search_index": 1},
		{"fieldname": "note", "fieldtype": "Small Text", "search_index": 1},
		{"fieldname": "sb", "fieldtype": "Section Break"},
	]
	parent = table_spec("Example", fields, istable=False)
	child = table_spec("Example Line", fields, istable=True)
	assert list(parent.columns) == ["item", "note", "_user_tags", "_comments", "_assign", "_liked_by"]
	assert list(child.columns) == ["item", "note"]
	# text columns get no index, as in Frappe
	assert [index.name for index in parent.indexes] == ["item"]
	assert "`parent` varchar(140)" in child.create_sql()
	assert "index `modified`(`modified`)" in parent.create_sql()
	assert child.all_columns()[-3:] == ["parent", "parentfield", "parenttype"]


def test_composite_index_of_pos_terminal_is_in_its_ddl() -> None:
	spec = table_spec("POS Terminal", [{"fieldname": "store", "fieldtype": "Link"}], istable=False)
	assert "unique index `store_terminal_code`(`store`, `terminal_code`)" in spec.create_sql()


def test_multi_row_insert_text() -> None:
	sql = multi_row_insert_sql("tabItem", ["name", "item_name"], 2, ignore_duplicates=True)
	assert sql == "INSERT IGNORE INTO `tabItem` (`name`, `item_name`) VALUES (%s, %s),\n(%s, %s)"


def test_chunked_keeps_every_row() -> None:
	chunks = list(chunked(range(2500), 1000))
	assert [len(chunk) for chunk in chunks] == [1000, 1000, 500]


def test_where_equal_keeps_only_set_filters() -> None:
	from retail_suite.db.port import where_equal

	assert where_equal(txn__store="S001", txn__business_day=None) == (["txn.store = %s"], ["S001"])
	assert where_equal(txn__store=None) == ([], [])
