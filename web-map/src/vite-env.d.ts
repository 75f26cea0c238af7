// CSS imports are bundled by Vite (src/main.ts imports ol/ol.css and our own style sheet).
declare module '*.css'
