/**
 * Colors and shapes. The palette is Okabe & Ito's, chosen to stay distinguishable with the common
 * color-vision deficiencies; every message type also has its own shape and every status its own
 * label, so color is never the only cue.
 */
import {
  symbol,
  symbolCircle,
  symbolCross,
  symbolDiamond,
  symbolSquare,
  symbolStar,
  symbolTriangle,
  symbolWye,
  type SymbolType,
} from 'd3-shape';
import type { MessageType } from '../protocol/index.ts';
import type { ReplicaStatusName } from '../sim/snapshot.ts';

export const okabeIto = {
  orange: '#E69F00',
  sky: '#56B4E9',
  green: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  purple: '#CC79A7',
  grey: '#8C8C8C',
} as const;

export interface MessageStyle {
  readonly color: string;
  readonly shape: SymbolType;
  readonly shapeName: string;
  /** One sentence for tooltips and the legend, with the paper's section. */
  readonly description: string;
}

export const messageStyles: Record<MessageType, MessageStyle> = {
  request: {
    color: okabeIto.sky,
    shape: symbolCircle,
    shapeName: 'circle',
    description: 'A client asks the primary to run an operation (§4.1 step 1).',
  },
  prepare: {
    color: okabeIto.blue,
    shape: symbolCircle,
    shapeName: 'circle',
    description:
      'The primary sends the op with its op-number and commit-number to the backups (§4.1 step 3).',
  },
  prepare_ok: {
    color: okabeIto.green,
    shape: symbolTriangle,
    shapeName: 'triangle',
    description: 'A backup holds every op up to this op-number and acknowledges it (§4.1 step 4).',
  },
  reply: {
    color: okabeIto.sky,
    shape: symbolSquare,
    shapeName: 'square',
    description: 'The primary returns the result of a committed op to the client (§4.1 step 5).',
  },
  commit: {
    color: okabeIto.grey,
    shape: symbolDiamond,
    shapeName: 'diamond',
    description:
      'An idle primary tells the backups what is committed; it doubles as a heartbeat (§4.1 step 6).',
  },
  pre_view_change: {
    color: okabeIto.orange,
    shape: symbolDiamond,
    shapeName: 'diamond',
    description:
      'A backup that lost its primary asks whether the others did too, before it starts a view change (PreVote; README).',
  },
  pre_view_change_ok: {
    color: okabeIto.orange,
    shape: symbolTriangle,
    shapeName: 'triangle',
    description:
      'A replica that does not hear the primary either agrees; f of these start the view change (README).',
  },
  start_view_change: {
    color: okabeIto.orange,
    shape: symbolCircle,
    shapeName: 'circle',
    description: 'A replica that suspects the primary proposes the next view (§4.2 step 1).',
  },
  do_view_change: {
    color: okabeIto.orange,
    shape: symbolSquare,
    shapeName: 'square',
    description:
      'After f StartViewChange, a replica sends its log and last normal view to the new primary (§4.2 step 2).',
  },
  start_view: {
    color: okabeIto.vermillion,
    shape: symbolStar,
    shapeName: 'star',
    description: 'The new primary announces the view with the log it chose (§4.2 step 3).',
  },
  get_state: {
    color: okabeIto.purple,
    shape: symbolCircle,
    shapeName: 'circle',
    description: 'A lagging replica asks for the ops it is missing (§5.2 state transfer).',
  },
  new_state: {
    color: okabeIto.purple,
    shape: symbolSquare,
    shapeName: 'square',
    description: 'The missing log suffix and a state delta for a lagging replica (§5.2).',
  },
  crash_vector_request: {
    color: okabeIto.yellow,
    shape: symbolCircle,
    shapeName: 'circle',
    description:
      'A restarted replica asks for the crash vector, to learn which incarnation it is (DISC 2017; README).',
  },
  crash_vector_response: {
    color: okabeIto.yellow,
    shape: symbolDiamond,
    shapeName: 'diamond',
    description:
      'A replica tells a restarted one the incarnation it knows of every replica (DISC 2017; README).',
  },
  recovery: {
    color: okabeIto.yellow,
    shape: symbolWye,
    shapeName: 'wye',
    description:
      'A restarted replica asks the others for the current state, with a nonce for this recovery (§4.3 step 1).',
  },
  start_epoch: {
    color: okabeIto.blue,
    shape: symbolWye,
    shapeName: 'wye',
    description:
      'A reconfiguration committed: the new members fetch the state up to it, then join the new epoch (§7).',
  },
  epoch_started: {
    color: okabeIto.green,
    shape: symbolWye,
    shapeName: 'wye',
    description:
      "A member of the new epoch holds its starting state; replicas leaving shut down after f'+1 of these (§7).",
  },
  new_epoch: {
    color: okabeIto.sky,
    shape: symbolDiamond,
    shapeName: 'diamond',
    description: 'A client asked an old epoch: this names the group now (§7).',
  },
  recovery_response: {
    color: okabeIto.yellow,
    shape: symbolCross,
    shapeName: 'cross',
    description:
      "A replica answers a recovery; only the primary's answer carries its log and state (§4.3 step 2).",
  },
};

const symbolPaths = new Map<string, string>();

/** Cached SVG path of a message glyph of the given area. */
export function messageGlyphPath(type: MessageType, size: number): string {
  const key = `${type}:${size}`;
  let path = symbolPaths.get(key);
  if (path === undefined) {
    path = symbol(messageStyles[type].shape, size)() ?? '';
    symbolPaths.set(key, path);
  }
  return path;
}

export interface StatusStyle {
  readonly fill: string;
  readonly stroke: string;
  readonly label: string;
  readonly description: string;
}

export const statusStyles: Record<ReplicaStatusName, StatusStyle> = {
  normal: {
    fill: '#D6F0E6',
    stroke: '#007A5A',
    label: 'normal',
    description: 'Takes part in normal operation in its view (§4.1).',
  },
  'view-change': {
    fill: '#FBE6BE',
    stroke: '#A86F00',
    label: 'view-change',
    description: 'Stopped normal work and is electing a new primary (§4.2).',
  },
  recovering: {
    fill: '#D3EAF8',
    stroke: '#1F6FA3',
    label: 'recovering',
    description:
      'Restarted without its state; answers nothing until f+1 replicas, the primary among them, reply (§4.3).',
  },
  spare: {
    fill: '#F4F4F4',
    stroke: '#9A9A9A',
    label: 'spare',
    description: 'A replica slot in no group yet: silent until a reconfiguration adds it (§7).',
  },
  leaving: {
    fill: '#EFE3EC',
    stroke: '#8C4A7A',
    label: 'leaving',
    description:
      "Out of the new group: answers state requests until f'+1 new members confirm the epoch started (§7).",
  },
  retired: {
    fill: '#E9E9E9',
    stroke: '#7A7A7A',
    label: 'retired',
    description: 'Left the group and shut down: silent for good (§7).',
  },
  crashed: {
    fill: '#E4E4E4',
    stroke: '#5A5A5A',
    label: 'crashed',
    description: 'Down: it receives nothing and has lost everything in memory.',
  },
};

/** The space-time diagram's own marks (its arrows take the message colours above). */
export const diagramColors = {
  grid: '#EEEEEE',
  axisText: '#555555',
  clientLane: '#BBBBBB',
  /** Status band of a state the palette lacks (an imported trace). */
  unknownStatus: '#CCCCCC',
  unknownMessage: '#777777',
  lost: okabeIto.vermillion,
  viewMark: statusStyles['view-change'].stroke,
  commitMark: statusStyles.normal.stroke,
  cursor: '#CC3311',
  label: '#222222',
  labelBackground: '#FFFFFF',
  /** Lanes of the replicas a violation involves. */
  highlight: 'rgba(213, 94, 0, 0.18)',
} as const;
