import { ConvexError } from "convex/values";
import { isTime } from "./snapshot";

// Validators check types; these check what a validator cannot express. Production redacts error
// messages, so the reason travels in the error's data.

function refuse(argument: string, message: string): never {
  throw new ConvexError({ code: "INVALID_ARGUMENT", argument, message });
}

/** `value` when it is an integer from 1 to `max`. */
export function requireLimit(argument: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    refuse(argument, `${argument} must be an integer from 1 to ${max}`);
  }
  return value;
}

/** `value` when it is undefined or a `YYYY-MM-DDTHH:MM:SS.mmmZ` time. */
export function requireTime(argument: string, value: string | undefined): string | undefined {
  if (value !== undefined && !isTime(value)) {
    refuse(argument, `${argument} must be a UTC time like 2024-01-31T12:00:00.000Z`);
  }
  return value;
}

/** `value` when it is undefined or a non-empty list. */
export function requireNonEmpty<T>(
  argument: string,
  value: readonly T[] | undefined,
): readonly T[] | undefined {
  if (value !== undefined && value.length === 0) {
    refuse(argument, `${argument} must not be empty`);
  }
  return value;
}
