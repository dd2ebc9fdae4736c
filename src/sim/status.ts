/** Kubernetes `Status` bodies, as the real API server writes them on errors. */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: { reason?: string; message?: string; field?: string }[];
  retryAfterSeconds?: number;
}

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** Thrown by route handlers; the server turns it into a Status response. */
export class HttpError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }

  toStatus(): StatusBody {
    return statusBody(this.code, this.reason, this.message, this.details);
  }
}

export function statusBody(code: number, reason: string, message: string, details?: StatusDetails): StatusBody {
  const body: StatusBody = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  if (details && Object.keys(details).length > 0) body.details = details;
  return body;
}

export function successStatus(code: number, details?: StatusDetails): StatusBody {
  const body: StatusBody = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code };
  if (details) body.details = details;
  return body;
}

/** The reason the real server uses for a bare status code (fault injection). */
export function reasonFor(code: number): string {
  const reasons: Record<number, string> = {
    400: 'BadRequest',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'NotFound',
    405: 'MethodNotAllowed',
    409: 'Conflict',
    410: 'Expired',
    415: 'UnsupportedMediaType',
    422: 'Invalid',
    429: 'TooManyRequests',
    500: 'InternalError',
    503: 'ServiceUnavailable',
    504: 'Timeout',
  };
  return reasons[code] ?? (code >= 500 ? 'InternalError' : 'BadRequest');
}

export const notFound = (resource: string, name: string, group = ''): HttpError =>
  new HttpError(404, 'NotFound', `${resource}${group ? `.${group}` : ''} "${name}" not found`, { name, ...(group ? { group } : {}), kind: resource });

export const unknownPath = (): HttpError => new HttpError(404, 'NotFound', 'the server could not find the requested resource', {});
