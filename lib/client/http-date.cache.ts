/**
 * RFC 1123 `Date` header values (`Thu, 01 Jan 2026 00:00:00 GMT`). Formatting a date costs far more
 * than reading the clock, and the header only has one-second resolution, so the string is cached
 * for the current second.
 */
export class HttpDateCache {
  private second = -1;
  private value = '';

  constructor(private readonly now: () => number = Date.now) {}

  current(): string {
    const second = Math.floor(this.now() / 1000);
    if (second !== this.second) {
      this.second = second;
      // toUTCString() is exactly the IMF-fixdate form (two-digit day, English names, "GMT").
      this.value = new Date(second * 1000).toUTCString();
    }
    return this.value;
  }
}
