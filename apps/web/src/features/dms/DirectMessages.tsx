/**
 * The side bar's slot for direct messages (SPEC 10): a navigation landmark listing the caller's DM
 * channels, most recent first, once `GET /api/dms` exists. Until then it says how to reach people.
 */
export function DirectMessages() {
  return (
    <nav className="dms" aria-label="Direct messages">
      <h3 className="muted small">Direct messages</h3>
      <p className="muted small">Direct messages are coming soon.</p>
    </nav>
  );
}
