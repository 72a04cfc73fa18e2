"""Media with each program (issue 25): a video for screening by video and a backing track for
the performance day, uploaded resumably (tus), stored under the app's own names (local disk or
S3-compatible storage), processed in the background into copies every browser plays, served
through signed, expiring URLs; what is missing or too long; the sound desk."""
