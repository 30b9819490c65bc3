/**
 * Reading Saqta's highlight colour out of screenshots, in the browser (no PNG
 * decoder in Node): pass `yellowIn` to `page.evaluate` (Playwright or
 * Puppeteer) on a scratch page, so the page under test is left alone.
 */

/**
 * Share of pixels in Saqta's highlight yellow within a box (CSS pixels) of a PNG,
 * decoded by the browser. `cssWidth`: the CSS width the image shows, when its
 * pixels are not CSS pixels (a device-scale screenshot); the box is scaled to it.
 */
export function yellowIn(args: { src: string; box: { x: number; y: number; width: number; height: number }; cssWidth?: number }) {
  return (async () => {
    const bmp = await createImageBitmap(await (await fetch(args.src)).blob());
    const c = new OffscreenCanvas(bmp.width, bmp.height);
    const g = c.getContext('2d')!;
    g.drawImage(bmp, 0, 0);
    const s = args.cssWidth ? bmp.width / args.cssWidth : 1;
    const px = g.getImageData(Math.round(args.box.x * s), Math.round(args.box.y * s), Math.max(1, Math.round(args.box.width * s)), Math.max(1, Math.round(args.box.height * s))).data;
    let yellow = 0;
    for (let i = 0; i < px.length; i += 4) if (px[i] > 200 && px[i + 1] > 170 && px[i + 2] < 170 && px[i] - px[i + 2] > 70) yellow++;
    return yellow / (px.length / 4);
  })();
}

