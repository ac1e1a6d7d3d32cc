"""Image files: where their bytes come from (`resolve`) and the provenance marks inside them (`marks`)."""
