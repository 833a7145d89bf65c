"""retail_suite: retail chain operations on ERPNext (Frappe host) or MariaDB + Redis (standalone host).

Importing this package never needs Frappe.
"""

__version__ = "0.1.0"
