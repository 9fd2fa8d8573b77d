"""Each person's own work: the items due, the home pages' lists and the reminders sent about them."""
