"""Background jobs (issue 25): a queue in the application's own database, run by
``flask --app festival worker`` processes on any host that reaches the database. A job is
leased while it runs; a worker killed mid-job lets its lease run out and the job is taken
again (up to its attempts), so no job is left running forever."""
