"""The public notice period (公示) of a festival's award list: working days, objections raised
during it, and the final results after it."""
