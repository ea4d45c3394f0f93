/** Limits shared by every producer and consumer. Change them here and nowhere else. */
export const LIMITS = {
  /** Message content, in Unicode code points, after trimming. */
  contentMinChars: 1,
  contentMaxChars: 2000,
  /** Client-chosen idempotency key of a send. */
  nonceMaxChars: 64,
  /** How long a nonce is remembered per user (SPEC 5). */
  nonceTtlSeconds: 600,
  /** History page size. */
  historyPageMin: 1,
  historyPageMax: 100,
  historyPageDefault: 50,
  /** Explore / member list page size. */
  listPageMin: 1,
  listPageMax: 100,
  listPageDefault: 50,
  /** Accounts. */
  usernameMinChars: 2,
  usernameMaxChars: 32,
  passwordMinChars: 8,
  passwordMaxChars: 128,
  /** Servers and channels. */
  serverNameMaxChars: 100,
  serverDescriptionMaxChars: 1000,
  channelNameMaxChars: 100,
  channelTopicMaxChars: 1024,
  searchQueryMaxChars: 100,
  /** Invites (SPEC 14): code length, max uses, lifetime in seconds (default 7 days). */
  inviteCodeMinChars: 8,
  inviteCodeMaxChars: 16,
  inviteMaxUsesMin: 1,
  inviteMaxUsesMax: 1000,
  inviteExpiresMinSeconds: 60,
  inviteExpiresMaxSeconds: 30 * 24 * 3600,
  inviteExpiresDefaultSeconds: 7 * 24 * 3600,
  /** Quota defaults (SPEC 3, as Discord's); each service config may change them. */
  serversPerUserDefault: 100,
  channelsPerServerDefault: 500,
  rolesPerServerDefault: 250,
  /** Default REST write rate limit (SPEC 3): writes per window per user across the fleet. */
  restWriteRateLimit: 30,
  restWriteRateWindowSeconds: 10,
  /** Roles and bans (SPEC 15). */
  roleNameMinChars: 1,
  roleNameMaxChars: 32,
  rolePositionMax: 1000,
  banReasonMaxChars: 512,
  /** Profiles (SPEC 10). */
  displayNameMinChars: 1,
  displayNameMaxChars: 32,
  bioMaxChars: 190,
  avatarUrlMaxChars: 2048,
  /** People search (`GET /api/users?q=`). */
  userSearchMin: 1,
  userSearchMax: 50,
  userSearchDefault: 20,
  /** Default send rate limit: accepted sends per rolling window per user across the fleet. */
  sendRateLimit: 10,
  sendRateWindowMs: 10_000,
  /** Access token lifetime (SPEC 2). */
  accessTokenTtlSeconds: 15 * 60,
  /** Largest REST body any service accepts. */
  maxJsonBodyBytes: 64 * 1024,
  /** Largest socket.io frame a gateway accepts. */
  maxSocketFrameBytes: 16 * 1024,
} as const;
