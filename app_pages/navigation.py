"""The app's pages: which file, title, address and permission each has (no Streamlit here, so tests read it)."""

# (file, catalogue key of the title, url path, action the page needs); urls are the same in every language.
# No page icons: Streamlit makes the current page's icon the favicon and fetches Material ones from outside.
PAGES = [
    ("app_pages/home.py", "page.home", "home", "programme.read"),
    ("app_pages/dashboard.py", "page.dashboard", "dashboard", "incidents.read"),
    ("app_pages/enterprises.py", "page.enterprises", "enterprises", "register.list"),
    ("app_pages/enterprise.py", "page.enterprise", "enterprise", "enterprise.read"),
    ("app_pages/assessment.py", "page.assessment", "assessment", "checklist.fill"),
    ("app_pages/actions.py", "page.actions", "actions", "actions.read"),
    ("app_pages/incidents.py", "page.incidents", "incidents", "incidents.read"),
    ("app_pages/incident_import.py", "page.incident_import", "incident-import", "incidents.import"),
    ("app_pages/reports.py", "page.reports", "reports", "enterprise.read"),
    ("app_pages/users.py", "page.users", "users", "users.manage"),
    ("app_pages/audit.py", "page.audit", "audit", "audit.read"),
    ("app_pages/account.py", "page.account", "account", "programme.read"),
]
