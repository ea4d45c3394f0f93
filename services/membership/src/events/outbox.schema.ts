import { Schema, type Types } from 'mongoose';

/** An event written before it is published; deleted once the broker confirmed it (at-least-once). */
export interface OutboxDoc {
  _id: Types.ObjectId;
  /** A validated envelope (contracts), stored as JSON text so Mongo never reshapes it. */
  envelope: string;
  eventType: string;
  createdAt: Date;
  /** The relay publishes entries whose time has come; a claim pushes it forward. */
  nextAttemptAt: Date;
  attempts: number;
}

export const outboxSchema = new Schema<OutboxDoc>(
  {
    envelope: { type: String, required: true },
    eventType: { type: String, required: true },
    createdAt: { type: Date, required: true },
    nextAttemptAt: { type: Date, required: true },
    attempts: { type: Number, default: 0 },
  },
  { versionKey: false, collection: 'outbox' },
);
outboxSchema.index({ nextAttemptAt: 1 });
