export { ChorusClient, type ExploreParams, type HistoryParams, type MembersParams } from './api.js';
export { AckTimeoutError, ChorusError, isChorusError } from './errors.js';
export { Http, type HttpOptions, type RequestOptions } from './http.js';
export { memorySessionStore, toSession, type Session, type SessionStore } from './session.js';
export { ChorusSocket, newNonce, type ChatSocket, type ChorusSocketEvents, type ConnectionState, type SocketOptions } from './socket.js';
export { Emitter } from './emitter.js';
