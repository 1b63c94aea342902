import { json, type RouteResponse } from "../../internal/http/io.js";

/** An error answered to an API client in Resend's `{ statusCode, message, name }` shape. */
export class ApiError {
  constructor(
    readonly statusCode: number,
    readonly name: string,
    readonly message: string,
  ) {}
}

export const missingField = (field: string): ApiError =>
  new ApiError(422, "missing_required_field", `Missing \`${field}\` field.`);

export const invalidField = (message: string): ApiError =>
  new ApiError(422, "validation_error", message);

/** The response carrying an ApiError. */
export const errorResponse = (error: ApiError): RouteResponse =>
  json(error.statusCode, {
    statusCode: error.statusCode,
    message: error.message,
    name: error.name,
  });
