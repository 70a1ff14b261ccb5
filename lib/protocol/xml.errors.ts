/** Error codes a document parser can report; both are 400 errors of PROTOCOL.md §6. */
export type XmlDocumentErrorCode = 'MalformedXML' | 'InvalidArgument';

/**
 * Thrown by every `parse*` function of the XML codec.
 * `MalformedXML`: not well-formed XML, a DOCTYPE, or the wrong root element.
 * `InvalidArgument`: well-formed, but a required element is missing or has the wrong type;
 * the message names the element the way the cloud does.
 */
export class XmlDocumentError extends Error {
  override readonly name = 'XmlDocumentError';

  constructor(
    readonly code: XmlDocumentErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The cloud's wording for a schema violation (PROTOCOL.md §6, `InvalidArgument`). */
export function schemaViolationMessage(element: string): string {
  return `The XML you provided did not validate against our published schema, cause by ${element}.`;
}
