"""What talks to the database below the ORM: single-statement writes that need not wait for the disk, tokens
drawn by the database, and the one module that leans on Django's private API."""
