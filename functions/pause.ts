/** Lambda: pause a maintenance window's campaigns (direct invoke, Scheduler input or EventBridge event). */
import type { Context } from 'aws-lambda';
import { handleWindow } from './window-handler.js';

export const handler = (event: unknown, context?: Context) => handleWindow('pause', event, context);
