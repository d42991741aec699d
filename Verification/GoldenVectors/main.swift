// Placeholder until the golden cases land.
