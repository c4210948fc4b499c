/**
 * Where links in mail point: the frontend's address (PUBLIC_APP_URL), by default this server's
 * local one. One variable for every mail (invitations, resets, verification).
 */
export function appUrl(): string {
  return (process.env.PUBLIC_APP_URL?.trim() || 'http://localhost:3000').replace(/\/+$/, '');
}

/** A link carrying a one-time token, e.g. `/accept-invitation?token=…`. */
export function tokenLink(path: string, token: string): string {
  return `${appUrl()}${path}?token=${encodeURIComponent(token)}`;
}
