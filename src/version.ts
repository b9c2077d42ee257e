/** The package version, reported in the User-Agent header and in `serverInfo.metadata["fg-library"]`. */
export const SDK_VERSION = "0.1.0";

/** Language token for the Foxglove library identifiers (spec section 14, item 6). */
export const SDK_LANGUAGE = "typescript";
