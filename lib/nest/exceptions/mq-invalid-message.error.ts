/** The body of a delivery could not be turned into a payload (handled per `onInvalidMessage`). */
export class MQInvalidMessageError extends Error {
  constructor(
    readonly messageId: string,
    cause: unknown,
  ) {
    super(
      `message ${messageId}: body could not be deserialized (${cause instanceof Error ? cause.message : String(cause)})`,
      { cause },
    );
    this.name = 'MQInvalidMessageError';
  }
}
