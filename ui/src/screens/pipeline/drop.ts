/** A drop target's id: a column (`stage:<id>`, at its end) or a card (`card:<id>`, before it). */
export const stageDrop = (id: string) => `stage:${id}`;
export const cardDrop = (id: string) => `card:${id}`;
