/**
 * The filter on liquidity of the OpenMarkets stream (the trigger's and Contest → Watch's): only
 * chosen partners, and only changes that moved the price or the size at least so much since the
 * last value that passed for the same `liquidity_hash` (so slow drifts add up and pass once they
 * matter). Snapshots always pass and
 * set the reference values; each passing update says how much it moved.
 */
import type { IDataObject } from 'n8n-workflow';

import { carryingDroppedGaps, type Stage } from '../../shared/delivery/stages';

export interface LiquidityFilterOptions {
	/** Partner ids that pass (lower case); empty: all. */
	partners: string[];
	/** Smallest absolute price move that passes (0: any). */
	minPriceMove: number;
	/** Smallest absolute change of `available` that passes (0: any). */
	minSizeChange: number;
}

interface Reference {
	price: number | null;
	available: number | null;
}

const numberOrNull = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/** Rounds away binary noise (0.49 - 0.48 = 0.010000000000000009). */
const tidy = (value: number) => Number(value.toFixed(10));

export function liquidityFilter(options: LiquidityFilterOptions): Stage {
	const partners = new Set(options.partners.map((partner) => partner.toLowerCase()));
	const references = new Map<string, Reference>();
	const partnerPasses = (partner: unknown) => partners.size === 0 || (typeof partner === 'string' && partners.has(partner.toLowerCase()));

	const remember = (hash: unknown, entry: IDataObject) => {
		if (typeof hash === 'string') references.set(hash, { price: numberOrNull(entry.price), available: numberOrNull(entry.available) });
	};

	return carryingDroppedGaps({
		push(delivered, next) {
			const { item } = delivered;
			if (item.event === 'liquidity.snapshot') {
				const positions = Array.isArray(item.data.positions) ? (item.data.positions as IDataObject[]) : [];
				const kept = positions.map((position) => {
					const liquidities = Array.isArray(position.partner_liquidities) ? (position.partner_liquidities as IDataObject[]) : [];
					const chosen = liquidities.filter((liquidity) => partnerPasses(liquidity.partner_id));
					for (const liquidity of chosen) remember(liquidity.liquidity_hash, liquidity);
					return partners.size === 0 ? position : { ...position, partner_liquidities: chosen };
				});
				if (partners.size > 0) item.data = { ...item.data, positions: kept };
				return next(delivered);
			}
			if (item.event !== 'liquidity.update') return next(delivered);
			const entry = item.data;
			if (!partnerPasses(entry.partner_id)) return;
			const hash = String(entry.liquidity_hash);
			const before = references.get(hash);
			const price = numberOrNull(entry.price);
			const available = numberOrNull(entry.available);
			const priceMove = before?.price != null && price !== null ? tidy(price - before.price) : null;
			const sizeChange = before?.available != null && available !== null ? tidy(available - before.available) : null;
			const enough =
				!before ||
				(options.minPriceMove === 0 && options.minSizeChange === 0) ||
				(options.minPriceMove > 0 && priceMove !== null && Math.abs(priceMove) >= options.minPriceMove) ||
				(options.minSizeChange > 0 && sizeChange !== null && Math.abs(sizeChange) >= options.minSizeChange);
			if (!enough) return;
			remember(hash, entry);
			item.data = { ...entry, priceMove, sizeChange };
			next(delivered);
		},
	});
}
