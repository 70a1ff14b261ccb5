/** Error codes a document parser can report; both are 400 errors of PROTOCOL.md §6. */
export type XmlDocumentErrorCode = 'MalformedXML' | 'InvalidArgument';

/**
 * Thrown by every `parse*` function of the XML codec.
 * `MalformedXML`: not well-formed XML, a DOCTYPE, or the wrong root element.
 * `InvalidArgument`: well-formed, but a required element is missing or has the wrong type.
 * `message` is the cloud's wording (safe to send back as the `<Message>` of an error response);
 * `detail` says what exactly was wrong, for logs and developers. Neither contains document content
 * beyond element names.
 */
export class XmlDocumentError extends Error {
  override readonly name = 'XmlDocumentError';

  constructor(
    readonly code: XmlDocumentErrorCode,
    message: string,
    readonly detail?: string,
    /** The element at fault, for InvalidArgument. */
    readonly element?: string,
  ) {
    super(message);
  }
}

/** The cloud's message for `MalformedXML` as seen live (PROTOCOL.md §6). */
export const MALFORMED_XML_MESSAGE = 'The XML you provided is invalid';

/** The cloud's wording for a schema violation (PROTOCOL.md §6, `InvalidArgument`). */
export function schemaViolationMessage(element: string): string {
  return `The XML you provided did not validate against our published schema, cause by ${element}.`;
}

export function malformedXml(detail: string): XmlDocumentError {
  return new XmlDocumentError('MalformedXML', MALFORMED_XML_MESSAGE, detail);
}

export function schemaViolation(element: string, detail?: string): XmlDocumentError {
  return new XmlDocumentError(
    'InvalidArgument',
    schemaViolationMessage(element),
    detail ?? `${element} is missing or invalid`,
    element,
  );
}
