/** A text made fit for a command id (e.g. an instant's `+08:00`), so that fixtures can derive ids from what they describe. */
export const asIdPart = (text: string): string => text.replace(/[^A-Za-z0-9._:/-]/g, '_');
