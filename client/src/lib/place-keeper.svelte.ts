// The fan's place between joins, as reactive state for WaitingRoom: the server's rank from the
// last entry, moved by the departure pushes since (the pure steps are in place-track.ts), and
// the place at joining for the progress bar. Keeps the last few pushes, because a push can
// overtake the join's answer on its way.
import type { QueueDeparted, QueueEntry } from "@stampede/shared/protocol";
import { recentDeparturePushesMax } from "./limits.js";
import { trackDepartures, trackedPosition, trackFromEntry, type PlaceTrack, type TrackResult } from "./place-track.js";
import { readJson, storageKeys, writeJson, type KeyValueStorage } from "./storage.js";

export class PlaceKeeper {
  /** The place at joining, kept per tab so a reload does not restart the progress bar. */
  startPosition = $state<number | null>(null);
  #track = $state.raw<PlaceTrack | null>(null);
  #recent: QueueDeparted[] = [];
  #eventId: string;
  #storage: KeyValueStorage | null;

  constructor(eventId: string, storage: KeyValueStorage | null) {
    this.#eventId = eventId;
    this.#storage = storage;
  }

  /** A new entry from the server. False when a push it needs was missed: ask for the place again. */
  entry(entry: QueueEntry): boolean {
    this.#rememberStart(entry);
    return this.#set(trackFromEntry(entry, this.#recent));
  }

  /** A departures push. False when one before it was missed: ask for the place again. */
  departed(push: QueueDeparted): boolean {
    this.#recent = [...this.#recent, push].slice(-recentDeparturePushesMax);
    return this.#track === null || this.#set(trackDepartures(this.#track, push));
  }

  /** Out of line (to join again at the back): a new place, a new start. */
  reset(): void {
    this.#track = null;
    this.startPosition = null;
  }

  /**
   * The room was rebuilt (its store lost its data): the departures pushed so far were counted by
   * the old room, whose counter the new one starts over, so they must not be matched against the
   * new entry. A new number (the place was lost) also starts the progress bar over.
   */
  newRoom(newPlace: boolean): void {
    this.#recent = [];
    this.#track = null;
    if (newPlace) this.startPosition = null;
  }

  /** The rank now for this queue number, or null when there is nothing to keep it from. */
  position(queueNumber: number, admittedTotal: number | null): number | null {
    const track = this.#track;
    return track !== null && track.queueNumber === queueNumber ? trackedPosition(track, admittedTotal) : null;
  }

  #rememberStart(entry: QueueEntry): void {
    if (entry.queueNumber === null || entry.position === null || this.startPosition !== null) return;
    const key = storageKeys.queueStart(this.#eventId);
    const stored = readJson(this.#storage, key) as { queueNumber?: unknown; startPosition?: unknown } | null;
    if (stored && stored.queueNumber === entry.queueNumber && typeof stored.startPosition === "number") {
      this.startPosition = stored.startPosition;
      return;
    }
    this.startPosition = entry.position;
    writeJson(this.#storage, key, { queueNumber: entry.queueNumber, startPosition: entry.position });
  }

  #set(result: TrackResult | null): boolean {
    this.#track = result?.kind === "tracking" ? result.track : null;
    return result?.kind !== "gap";
  }
}
