// The per-user limiter lives in libs/runtime (`http/rate-limit.ts`): history counts REST writes in the
// same key space. Re-exported here for membership's own limiters (login, registration, people).
export { takePoint, createUserLimiter, type UserLimiter } from '@chorus/runtime';
