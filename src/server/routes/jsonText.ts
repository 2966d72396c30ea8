/**
 * A handler's answer already written as JSON text, which the server sends as it is instead of
 * stringifying an object: for answers too large to build as objects first (a page of 10,000 metric
 * points). It still has the route's response schema for its shape: responses checked in tests are
 * parsed and checked like any other.
 */
export class JsonText {
  constructor(readonly text: string) {}
}
