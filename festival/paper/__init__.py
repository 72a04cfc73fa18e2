"""Paper: the award list and certificates as PDFs (WeasyPrint), the seal and signatory an
organizer sets for them, and the batch of a festival's certificates built in the background."""
