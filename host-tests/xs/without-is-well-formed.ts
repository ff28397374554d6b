// Takes String.prototype.isWellFormed away before any firmware module loads, as on an XS older than
// SDK 8.2.3's: utf8.js then validates the native conversion's bytes instead (its fallback path).
delete (String.prototype as { isWellFormed?: unknown }).isWellFormed;

export const removed = (String.prototype as { isWellFormed?: unknown }).isWellFormed === undefined;
