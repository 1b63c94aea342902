/** An error answered to an API client in Resend's `{ statusCode, message, name }` shape. */
export class ApiError {
  constructor(
    readonly statusCode: number,
    readonly name: string,
    readonly message: string,
  ) {}

  toBody(): string {
    return JSON.stringify({ statusCode: this.statusCode, message: this.message, name: this.name });
  }
}

export const missingField = (field: string): ApiError =>
  new ApiError(422, "missing_required_field", `Missing \`${field}\` field.`);

export const invalidField = (message: string): ApiError =>
  new ApiError(422, "validation_error", message);
