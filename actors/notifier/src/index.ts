export { NOTIFY_RETRY, NotifierOptions, notifierActor } from './notifier-actor.js';
