/** Sent in the User-Agent. Kept equal to package.json's version by a unit test. */
export const CLIENT_VERSION = '0.1.0';
