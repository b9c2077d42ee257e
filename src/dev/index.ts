/**
 * Local development stack: a Foxglove API stand-in (and, alongside, the local LiveKit server helpers).
 * Test fixtures and the local demo import from here.
 *
 * @module
 */

export * from "./dev-api.js";
