/**
 * Typed reads of the fields the simulator takes from manifests (YAML or synthesized), each checked against
 * its CRD type: a wrong type is an error naming the field's path and showing the value, never a TypeError
 * and never a silent coercion (a weight written as "50" is an error, not the text "50").
 */
import { brief, show } from '../../validation/values';

export function fail(where: string, what: string): never {
  throw new Error(`${where}: ${what}`);
}

/** A mapping (YAML) / object (JSON); `undefined` when the field is absent and `optional`. */
export function mapping(where: string, v: unknown): { [key: string]: unknown } {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(where, `must be a mapping (an object), got ${show(v)}`);
  return v as { [key: string]: unknown };
}

export function optionalMapping(where: string, v: unknown): { [key: string]: unknown } | undefined {
  return v === undefined || v === null ? undefined : mapping(where, v);
}

export function list(where: string, v: unknown): unknown[] {
  if (!Array.isArray(v)) fail(where, `must be a list, got ${show(v)}`);
  return v;
}

export function optionalList(where: string, v: unknown): unknown[] {
  return v === undefined || v === null ? [] : list(where, v);
}

export function text(where: string, v: unknown): string {
  if (typeof v !== 'string') fail(where, `must be a string, got ${show(v)}`);
  return v;
}

export function optionalText(where: string, v: unknown): string | undefined {
  return v === undefined || v === null ? undefined : text(where, v);
}

export function integer(where: string, v: unknown, min: number, max: number): number {
  // Number.isInteger() is false for anything that is not a number
  if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) {
    fail(where, `must be an integer from ${min} to ${max}, got ${show(v)}`);
  }
  return v as number;
}

/** A map of strings to strings (labels, header values). */
export function textMap(where: string, v: unknown): { [key: string]: string } {
  const m = mapping(where, v);
  for (const [k, x] of Object.entries(m)) text(`${where}.${brief(k)}`, x);
  return m as { [key: string]: string };
}

/** Refuses keys the simulation does not model (they could change where requests go); `ignored` keys are fine. */
// Stryker disable next-line ArrayDeclaration: a placeholder in the default changes only a key spelled like it, which no manifest field is
export function onlyKeys(where: string, obj: { [key: string]: unknown }, known: readonly string[], ignored: readonly string[] = []): void {
  for (const k of Object.keys(obj)) {
    if (!known.includes(k) && !ignored.includes(k)) {
      fail(where, `${show(k)} is not supported by the lane simulation (it could change where requests go); supported here: ${known.join(', ')}`);
    }
  }
}
