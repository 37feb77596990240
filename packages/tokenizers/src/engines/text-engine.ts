/**
 * What a vocabulary engine provides to the shared tokenizer code: ids and counts
 * for plain text. Message framing lives above this layer.
 */
export interface TextEngine {
  /** Token ids of a text, special-token strings treated as ordinary text. */
  encode(text: string): number[];
  /** Token count of a text; may skip building the id array. */
  count(text: string): number;
  /** Approximate memory the loaded vocabulary holds, in bytes. */
  readonly residentBytes?: number;
  /** Releases engine resources. */
  free?(): void;
}
